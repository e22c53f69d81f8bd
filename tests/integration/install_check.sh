#!/usr/bin/env bash
# TAP: `meson install` places the binary, l2snoopctl, the systemd unit, its
# environment file, the example configuration and both man pages.
#   install_check.sh BUILD_DIR
set -uo pipefail
build=$1
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
meson install -C "$build" --no-rebuild --destdir "$stage" --quiet >/dev/null 2>&1
prefix=$(meson introspect "$build" --buildoptions | /usr/bin/python3 -c \
  "import json,sys; o={x['name']:x['value'] for x in json.load(sys.stdin)}; print(o['prefix'] + ' ' + o['sysconfdir'] + ' ' + o['mandir'])")
read -r pre etc man <<<"$prefix"
case $etc in /*) ;; *) etc=$pre/$etc ;; esac
case $man in /*) ;; *) man=$pre/$man ;; esac
files=("$pre/bin/l2snoop" "$pre/bin/l2snoopctl" "$pre/bin/l2snoop-exporter" "$pre/lib/systemd/system/l2snoop.service"
       "$pre/lib/systemd/system/l2snoop-exporter.service" "$etc/default/l2snoop"
       "$etc/l2snoop/l2snoop.ini" "$man/man8/l2snoop.8" "$man/man8/l2snoopctl.8" "$pre/share/l2snoop/status.html")
echo "1..$(( ${#files[@]} + 1 ))"
n=0 failed=0
for f in "${files[@]}"; do
  n=$((n + 1))
  if [ -e "$stage$f" ]; then echo "ok $n - installs $f"; else echo "not ok $n - installs $f"; failed=1; fi
done
n=$((n + 1))
if grep -q "^ExecStart=$pre/bin/l2snoop \$L2SNOOP_EAL -- --config $etc/l2snoop/l2snoop.ini$" \
     "$stage$pre/lib/systemd/system/l2snoop.service"; then
  echo "ok $n - the installed unit starts the installed binary with the installed configuration"
else
  echo "not ok $n - the installed unit's ExecStart names other paths"; failed=1
fi
exit $failed
