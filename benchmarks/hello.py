"""The ceiling of a Python HTTP layer: a Flask app that answers a constant."""

from flask import Flask

app = Flask(__name__)


@app.get("/health")
def health() -> str:
    return "ok"


@app.get("/sparql")
def hello() -> str:
    return "hello"
