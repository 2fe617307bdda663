# Test fixtures the team decided to keep; each line is allowed explicitly.
AWS_ACCESS_KEY_ID = "{{X_KEY_ID}}"  # credguard:allow
AWS_SECRET_ACCESS_KEY = "{{X_SECRET}}"  # credguard:allow (fixture)
TOKEN = "{{X_TOKEN}}"  # credguard:allow
