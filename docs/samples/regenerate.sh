#!/bin/sh
# Regenerate docs/samples/ and the README's PDF pictures (docs/screenshots/pdf-*.png) from real
# output, never by hand: the demo clinic of `make run` (`clinic-onboard seed-demo`) in a
# throw-away SQLite database, printed by the same commands a clinic runs, in English and French (the record in English).
#
#   sh docs/samples/regenerate.sh        # from the repository root, after `make .venv/.installed-app`
#
# Needs pdftoppm (Debian: apt-get install -y poppler-utils) for the pictures. The blank forms are
# made for the demo clinic's profile (Ontario family practice, Accuro, specimen collection and
# vaccine storage) starting next Monday; the record is Amira Haddad's, three weeks in.
set -eu

cli=${BIN:-.venv/bin}/clinic-onboard
samples=docs/samples
pictures=docs/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Everything the app writes goes to the throw-away folder, the instance folder included.
export CLINIC_ONBOARD_ENV=development
export DATABASE_URL="sqlite:///$work/demo.db"
export RECORD_ANCHOR_LOG="$work/record_anchors.log"
export SECRET_KEY=samples-only
RECORD_KEYS=$("$cli" new-record-key samples)
export RECORD_KEYS

"$cli" db upgrade >/dev/null 2>&1
"$cli" seed-demo >/dev/null
start=$(date -d 'next monday' +%Y-%m-%d)

for lang in en fr; do
    suffix=$([ "$lang" = en ] && echo "" || echo "-$lang")
    clinic=$([ "$lang" = en ] && echo "Maple Grove Family Health" || echo "Clinique Maple Grove")
    for kind in checklist plan; do
        "$cli" pdf "$kind" --province on --setting family_medicine --role medical_assistant \
            --emr accuro --option specimen_collection --option vaccine_storage \
            --start "$start" --lang "$lang" --clinic-name "$clinic" \
            -o "$samples/$kind$suffix.pdf"
    done
    # the demo database holds one clinic (id 1) and Amira's onboarding is its first (id 1);
    # her plan was made in English, so her record is English only (a record prints its items
    # in the plan's language: French labels would sit above English titles)
    kinds="checklist plan summary"
    if [ "$lang" = en ]; then
        "$cli" pdf record 1 --base-url https://onboard.example.ca -o "$samples/record.pdf"
        kinds="$kinds record"
    fi
    "$cli" pdf summary 1 --lang "$lang" -o "$samples/summary$suffix.pdf"
    for kind in $kinds; do
        # the first page, 900 pixels wide (portrait) or 1000 (landscape), as the README shows it
        width=$([ "$kind" = plan ] || [ "$kind" = summary ] && echo 1000 || echo 900)
        pdftoppm -png -f 1 -l 1 -singlefile -scale-to-x "$width" -scale-to-y -1 \
            "$samples/$kind$suffix.pdf" "$pictures/pdf-$kind$suffix"
    done
done
