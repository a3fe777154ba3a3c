#!/bin/sh
# Set up a fresh Debian 12 machine for fragscope: install the Debian packages
# it builds with, generate the build system, configure. Idempotent and quick
# when everything is already there. Run as root, or with sudo available.
set -eu
cd "$(dirname "$0")"

PACKAGES="build-essential autoconf automake libtool pkgconf
libncurses-dev libyaml-dev libjson-c-dev libproc2-dev libcriterion-dev tmux python3"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ] || \
   [ -n "$(find mk -newer Makefile.in -name '*.am' 2>/dev/null)" ]; then
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
fi
if [ ! -f Makefile ] || [ configure -nt config.status ]; then
	# CFLAGS from the environment reach configure (the CI uses it for sanitizers).
	./configure --quiet --enable-werror
fi
