#!/usr/bin/env bash
# Compare 'credguard init' with the AWS CLI's 'aws configure set' (what most
# set-up guides use) on: time per profile written, how many of 8 profiles
# written at the same time survive, and the mode of the file written. Keys
# are random fakes made here at run time. Needs: go, python3, aws.
#
#   bench/init.sh [N]     N sequential profiles (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/credguard" ./cmd/credguard
command -v aws >/dev/null || { echo "bench/init.sh: needs the aws CLI (pip install awscli)" >&2; exit 2; }

# fake N: N lines "KEYID SECRET", shaped like real keys, generated now.
fake() {
  python3 - "$1" <<'PY'
import base64, os, re, sys
def secret():
    # Like awskey.FakeSecret: credguard refuses secrets that do not look random.
    while True:
        s = base64.b64encode(os.urandom(30)).decode()
        if (re.search("[A-Z]", s) and re.search("[a-z]", s) and re.search("[0-9]", s)
                and s.count("/") <= 4 and not re.search(r"(.)\1{4}", s)
                and not re.search("(?i)example|xxxx|your|dummy", s)):
            return s
for _ in range(int(sys.argv[1])):
    kid = "AK" + "IA" + base64.b32encode(os.urandom(10)).decode()[:16]
    print(kid, secret())
PY
}
now() { python3 -c 'import time; print(time.time())'; }
fake "$n" > "$work/keys"

# Sequential writes, n profiles each.
export AWS_SHARED_CREDENTIALS_FILE="$work/cg/credentials" AWS_CONFIG_FILE="$work/cg/config"
t0=$(now); i=0
while read -r id sec; do
  i=$((i+1)); printf '%s\n%s\n' "$id" "$sec" | "$work/credguard" init --profile "p$i" >/dev/null
done < "$work/keys"
t1=$(now)
export AWS_SHARED_CREDENTIALS_FILE="$work/aws/credentials" AWS_CONFIG_FILE="$work/aws/config"
mkdir -p "$work/aws"; i=0
t2=$(now)
while read -r id sec; do
  i=$((i+1))
  aws configure set aws_access_key_id "$id" --profile "p$i"
  aws configure set aws_secret_access_key "$sec" --profile "p$i"
done < "$work/keys"
t3=$(now)

# 8 concurrent writers of different profiles, 5 rounds: profiles kept.
conc() {
  local tool=$1 dir=$2 total=0 round i id sec
  for round in 1 2 3 4 5; do
    rm -rf "$dir"; mkdir -p "$dir"
    export AWS_SHARED_CREDENTIALS_FILE="$dir/credentials" AWS_CONFIG_FILE="$dir/config"
    fake 8 > "$work/k8"; i=0
    while read -r id sec; do
      i=$((i+1))
      if [ "$tool" = credguard ]; then
        (printf '%s\n%s\n' "$id" "$sec" | "$work/credguard" init --profile "c$i" >/dev/null 2>&1) &
      else
        (aws configure set aws_access_key_id "$id" --profile "c$i"; aws configure set aws_secret_access_key "$sec" --profile "c$i") 2>/dev/null &
      fi
    done < "$work/k8"
    wait || true
    total=$((total + $(grep -c '^aws_secret_access_key' "$dir/credentials" 2>/dev/null || true)))
  done
  echo "$total"
}
cg_conc=$(conc credguard "$work/ccg")
aws_conc=$(conc aws "$work/caws")
mode() { stat -c %a "$1" 2>/dev/null || stat -f %Lp "$1"; }

python3 - "$n" "$t0" "$t1" "$t2" "$t3" "$cg_conc" "$aws_conc" "$(mode "$work/cg/credentials")" "$(mode "$work/aws/credentials")" "$(umask)" <<'PY'
import sys
n = int(sys.argv[1]); t0, t1, t2, t3 = map(float, sys.argv[2:6])
cg, aw, mcg, maw, um = sys.argv[6:11]
print(f"{'':40}{'credguard init':>16}{'aws configure set':>20}")
print(f"{'ms per profile (sequential, n=%d)' % n:40}{(t1-t0)/n*1000:>16.1f}{(t3-t2)/n*1000:>20.1f}")
print(f"{'profiles kept, 8 concurrent writers x5':40}{cg + '/40':>16}{aw + '/40':>20}")
print(f"{'credentials file mode (umask %s)' % um:40}{mcg:>16}{maw:>20}")
PY
