#!/usr/bin/env bash
# Playwright cannot download its own browsers here: the e2e tests drive the system's Chromium.
# Installs Debian's package when it is missing (CI images run as root with apt).
if [ -z "${CHROMIUM_PATH:-}" ] && ! [ -x /usr/bin/chromium ]; then
  echo "Chromium missing: installing Debian's chromium package" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
