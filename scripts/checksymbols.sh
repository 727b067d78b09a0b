#!/usr/bin/env bash
# `make checksymbols`: every symbol the objects export starts with mc_
# (STYLE.md), so marketcrawl never collides with the libraries it links.
set -uo pipefail
bad=$(nm -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 && $2 ~ /[A-Z]/ {print $3}' | grep -v '^mc_' | sort -u)
if [ -n "$bad" ]; then
	echo "checksymbols: exported symbols without the mc_ prefix:"
	echo "$bad" | sed 's/^/    /'
	exit 1
fi
echo "checksymbols: clean ($# objects)"
