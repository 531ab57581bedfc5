# The HTML report is tested in Debian's headless Chromium driven by ChromeDriver (/usr/bin/chromium,
# /usr/bin/chromedriver). Test tools never download a browser of their own; this is the only place one comes from.
apt_install chromium chromium-driver fonts-liberation
if ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; then
    echo "setup: chromium installed but /usr/bin/chromium or /usr/bin/chromedriver is missing" >&2
    exit 1
fi
