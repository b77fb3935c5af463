from ninja import Field, Schema


class MeOut(Schema):
    name: str = Field(description="Your public name, as others see it.")
