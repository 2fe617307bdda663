from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = "{{DECOY_SECRET}}"
app.config["SESSION_COOKIE_SECURE"] = True
app.config["WTF_CSRF_SECRET_KEY"] = "{{DECOY_SECRET}}"
app.secret_key = "{{DECOY_SECRET}}"


@app.route("/")
def index():
    return "ok"
