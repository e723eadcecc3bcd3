#!/usr/bin/env bash
# Every string the windows show is in the translations, and German and Arabic translate all
# of them: lupdate is run on ui/ against copies of the checked-in .ts files.
#   tests/check-translations.sh SOURCE_DIR LUPDATE
set -euo pipefail
src=$1
lupdate=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for lang in en de ar; do
    cp "$src/resources/i18n/sak_$lang.ts" "$work/"
    out=$("$lupdate" -no-obsolete -locations none -I "$src" "$src/ui" -ts "$work/sak_$lang.ts" 2>&1)
    if ! grep -q "(0 new and" <<<"$out"; then
        echo "sak_$lang.ts lacks strings of the sources: run cmake --build build --target sak_lupdate, then translate them"
        status=1
    fi
    if ! cmp -s "$src/resources/i18n/sak_$lang.ts" "$work/sak_$lang.ts"; then
        echo "sak_$lang.ts is not what lupdate makes of the sources (strings gone or changed):"
        diff "$src/resources/i18n/sak_$lang.ts" "$work/sak_$lang.ts" | head -20
        status=1
    fi
done
for lang in de ar; do
    unfinished=$(grep -c 'type="unfinished"' "$src/resources/i18n/sak_$lang.ts" || true)
    if [[ $unfinished -ne 0 ]]; then
        echo "sak_$lang.ts has $unfinished untranslated string(s)"
        status=1
    fi
done
# English translates only its plurals; every plural has its forms.
if grep -A3 'numerus="yes"' "$src/resources/i18n/sak_en.ts" | grep -q 'type="unfinished"'; then
    echo "sak_en.ts lacks the English forms of a plural"
    status=1
fi
[[ $status -eq 0 ]] && echo "translations complete: en (plurals), de, ar"
exit $status
