#!/usr/bin/env bash
# Re-create book_assets/static/ from the npm registry, then record its checksums.
#
# Not part of the build: the files it writes are committed, so `make book` needs no
# Node, no npm and no network. Run it only to change a version (edit the three pins
# below, run it, update the table in book_assets/README.md, rebuild, `make test`).
#
# `npm pack` downloads a package's published tarball without installing anything;
# each tarball is checked against the sha512 integrity pinned here (the value the
# registry reports as dist.integrity for that version), so a changed upload fails.
set -euo pipefail
cd "$(dirname "$0")"

HTML_MANAGER=1.0.15  # @jupyter-widgets/html-manager, the 1.0.x line renders ipywidgets 8
HTML_MANAGER_SHA512=5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==
REQUIREJS=2.3.8
REQUIREJS_SHA512=7/cTSLOdYkNBNJcDMWf+luFvMriVm7eYxp4BcFCsAX0wF421Vyce5SXP17c+Jd5otXKGNehIonFlyQXSowL6Mw==
MATHJAX=3.2.2  # the version Sphinx 7's default CDN URL (mathjax@3) resolves to
MATHJAX_SHA512=Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fetch() {  # fetch NAME VERSION SHA512 DIR: download, verify, unpack into $tmp/DIR
    local tgz
    tgz=$(cd "$tmp" && npm pack --silent "$1@$2")
    local actual
    actual=$(openssl dgst -sha512 -binary "$tmp/$tgz" | base64 -w0)
    if [[ "$actual" != "$3" ]]; then
        echo "integrity mismatch for $1@$2: sha512-$actual" >&2
        exit 1
    fi
    mkdir -p "$tmp/$4"
    tar -xzf "$tmp/$tgz" -C "$tmp/$4"
}

fetch @jupyter-widgets/html-manager "$HTML_MANAGER" "$HTML_MANAGER_SHA512" html-manager
fetch requirejs "$REQUIREJS" "$REQUIREJS_SHA512" requirejs
fetch mathjax "$MATHJAX" "$MATHJAX_SHA512" mathjax

rm -rf static
mkdir -p static/jupyter-widgets static/requirejs static/mathjax

# Widgets: the AMD bundle with every core widget (no further downloads for
# ipywidgets' own controls), its third-party notices, and ipywidgets' BSD licence
# (the npm tarball carries none; it is the repository's LICENSE).
cp "$tmp/html-manager/package/dist/embed-amd.js" static/jupyter-widgets/
cp "$tmp/html-manager/package/dist/embed.js.LICENSE.txt" static/jupyter-widgets/THIRD-PARTY-NOTICES.txt
cp LICENSE-ipywidgets static/jupyter-widgets/LICENSE

# RequireJS: one file; its MIT licence notice is in the file's header.
cp "$tmp/requirejs/package/require.js" static/requirejs/

# MathJax 3: the combined TeX + MathML -> CommonHTML component Sphinx loads by
# default, the TeX extensions it autoloads on demand, and its web fonts.
mj="$tmp/mathjax/package/es5"
cp "$mj/tex-mml-chtml.js" "$tmp/mathjax/package/LICENSE" static/mathjax/
mkdir -p static/mathjax/input/tex static/mathjax/output/chtml/fonts
cp -r "$mj/input/tex/extensions" static/mathjax/input/tex/
cp -r "$mj/output/chtml/fonts/woff-v2" static/mathjax/output/chtml/fonts/

find static -type f | LC_ALL=C sort | xargs sha256sum > SHA256SUMS
echo "book_assets/static: $(du -sh static | cut -f1), $(wc -l < SHA256SUMS) files; SHA256SUMS updated"
