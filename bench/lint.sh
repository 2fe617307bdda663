#!/usr/bin/env bash
# Compare 'credguard lint' with 'aws configure list' (the AWS CLI's only
# check of a profile) on the lint corpus (profiles/testdata/lint): how many
# broken files each one flags (non-zero exit), how many correct files each
# passes, and the time per run. Keys are random fakes made here at run time.
# Needs: go, python3, aws.
#
#   bench/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v aws >/dev/null || { echo "bench/lint.sh: needs the aws CLI (pip install awscli)" >&2; exit 2; }
go build -o "$work/credguard" ./cmd/credguard

# Expand every corpus case into $work/cases/NAME/{credentials,config,verdict,profile}.
python3 - "$work/cases" profiles/testdata/lint/*.txtar <<'PY'
import base64, os, re, sys
out = sys.argv[1]
def kid(prefix): return prefix + base64.b32encode(os.urandom(10)).decode()[:16]
def secret():
    while True:
        s = base64.b64encode(os.urandom(30)).decode()
        if re.search('[A-Z]', s) and re.search('[a-z]', s) and re.search('[0-9]', s): return s
for path in sys.argv[2:]:
    text = open(path, encoding='utf-8').read()
    parts = re.split(r'^-- (\S+) --\n', text, flags=re.M)
    fields = dict(l.split(':', 1) for l in parts[0].splitlines() if ':' in l and not l.startswith('#'))
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    sec, sec2 = secret(), secret()
    keys = {'KEY_ID': kid('AK'+'IA'), 'KEY_ID2': kid('AK'+'IA'), 'OLD_KEY_ID': 'AK'+'IA' + 'A' + base64.b32encode(os.urandom(10)).decode()[1:16],
            'TEMP_KEY_ID': kid('AS'+'IA'), 'SECRET': sec, 'SECRET2': sec2,
            'SESSION_TOKEN': 'IQoJb3JpZ2luX2Vj' + base64.b64encode(os.urandom(300)).decode(),
            'CR': '\r', 'LATIN1': '\udce9', 'ROLE_ID': kid('AR'+'OA'), 'SECRET_SHORT': sec[:39],
            'SECRET_HALF1': sec[:20], 'SECRET_HALF2': sec[20:], 'HEX40': os.urandom(20).hex(), 'SECRET_LOWER': sec.lower()}
    keys['KEY_ID_LOWER'] = keys['KEY_ID'].lower()
    d = os.path.join(out, os.path.basename(path)[:-6])
    os.makedirs(d)
    for name, body in zip(parts[1::2], parts[2::2]):
        body = re.sub(r'\$\{(\w+)\}', lambda m: keys.get(m.group(1), m.group(0)), body)
        if fields.get('crlf') == 'true': body = body.replace('\n', '\r\n')
        data = body.encode('utf-8', 'surrogateescape')
        if fields.get('bom') == name: data = b'\xef\xbb\xbf' + data
        p = os.path.join(d, name)
        open(p, 'wb').write(data)
        os.chmod(p, int(fields.get('mode', '0600'), 8) if name == 'credentials' else 0o600)
    open(os.path.join(d, 'verdict'), 'w').write(fields['verdict'])
    open(os.path.join(d, 'profile'), 'w').write(fields.get('profile', 'default'))
PY

now() { echo "${EPOCHREALTIME/,/.}"; } # bash 5: no process per reading
declare -A caught passed total
cg_time=0; aws_time=0
for d in "$work"/cases/*/; do
  v=$(cat "$d/verdict"); p=$(cat "$d/profile")
  total[$v]=$(( ${total[$v]:-0} + 1 ))
  t0=$(now)
  if env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$work/credguard" lint --credentials "$d/credentials" --config "$d/config" --profile "$p" >/dev/null 2>&1; then cg=0; else cg=1; fi
  t1=$(now)
  if env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY AWS_EC2_METADATA_DISABLED=true \
     AWS_SHARED_CREDENTIALS_FILE="$d/credentials" AWS_CONFIG_FILE="$d/config" aws configure list --profile "$p" >/dev/null 2>&1; then aw=0; else aw=1; fi
  t2=$(now)
  cg_time=$(awk "BEGIN{print $cg_time + $t1 - $t0}"); aws_time=$(awk "BEGIN{print $aws_time + $t2 - $t1}")
  if [ "$v" = error ]; then
    caught[cg]=$(( ${caught[cg]:-0} + cg )); caught[aws]=$(( ${caught[aws]:-0} + aw ))
  else
    passed[cg]=$(( ${passed[cg]:-0} + 1 - cg )); passed[aws]=$(( ${passed[aws]:-0} + 1 - aw ))
  fi
done
n=$(( ${total[error]:-0} + ${total[clean]:-0} + ${total[warning-only]:-0} ))
ok=$(( ${total[clean]:-0} + ${total[warning-only]:-0} ))
printf '%-34s %16s %20s\n' "" "credguard lint" "aws configure list"
printf '%-34s %13d/%-3d %17d/%-3d\n' "broken files flagged (exit != 0)" "${caught[cg]:-0}" "${total[error]:-0}" "${caught[aws]:-0}" "${total[error]:-0}"
printf '%-34s %13d/%-3d %17d/%-3d\n' "working files passed (exit 0)" "${passed[cg]:-0}" "$ok" "${passed[aws]:-0}" "$ok"
printf '%-34s %16.1f %20.1f\n' "milliseconds per run" "$(awk "BEGIN{print $cg_time*1000/$n}")" "$(awk "BEGIN{print $aws_time*1000/$n}")"
