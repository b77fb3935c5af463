#!/bin/sh
# Check deploy/nginx.conf with the local nginx: syntax, then which bodies it refuses (413)
# before they reach the app. A throwaway backend answers 200 to whatever gets through.
# Needs nginx, openssl, curl and python3; never run by the test suite.
#   sh deploy/check_nginx.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/exchange_nginx.XXXXXX)
chmod 755 "$tmp"
trap 'nginx -p "$tmp" -c "$tmp/nginx.conf" -s stop 2>/dev/null || true; kill "$backend" 2>/dev/null || true' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
    -days 1 -subj /CN=localhost >/dev/null 2>&1
sed -e "s#/etc/ssl/exchange/fullchain.pem#$tmp/cert.pem#; s#/etc/ssl/exchange/privkey.pem#$tmp/key.pem#" \
    -e "s#/etc/nginx/exchange_proxy.conf#$here/exchange_proxy.conf#" \
    -e "s#listen 80;#listen 127.0.0.1:18080;#; s#listen 443 ssl http2;#listen 127.0.0.1:18443 ssl http2;#" \
    -e "s#server 127.0.0.1:8000;#server 127.0.0.1:18000;#" "$here/nginx.conf" > "$tmp/site.conf"
cat > "$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $tmp/body 1;
  proxy_temp_path $tmp/proxy 1;
  include $tmp/site.conf;
}
CONF
mkdir -m 777 "$tmp/body" "$tmp/proxy"
python3 -c '
import http.server
class Ok(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", 18000), Ok).serve_forever()
' &
backend=$!
nginx -t -p "$tmp" -c "$tmp/nginx.conf"
nginx -p "$tmp" -c "$tmp/nginx.conf"
sleep 1
post() {  # url megabytes
    head -c "$(($2 * 1024 * 1024))" /dev/zero > "$tmp/body.bin"
    code=$(curl -sk -o /dev/null -w "%{http_code}" -X POST --data-binary @"$tmp/body.bin" "https://127.0.0.1:18443$1")
    echo "$1 $2 MB -> $code"
}
post /workshops/summer/1/import/ 25
post /workshops/summer/1/import/ 27
post /campaigns/nhs/submit/ 30
post /campaigns/nhs/submit/ 32
post /workshops/summer/resources/new/ 10
post /workshops/summer/resources/new/ 12
post /measures/1/upload/ 2
post /examples/1/comments/ 4
