"""The API contract run (issue #15 item 10): starts the real server on a free port with a fresh data folder, signs in
a site admin (password, then a TOTP code: both steps) and enrolls a patient's phone, then runs schemathesis against
/api/openapi.json with the pharmacist's session cookie and the phone's bearer token. Exits with schemathesis's code.

Usage: python3 tools/api_contract.py SERVER_BIN SCHEMATHESIS_BIN [extra schemathesis args...]
Standard library only (the TOTP is RFC 6238 with hmac); schemathesis is pinned in tools/schemathesis-requirements.txt.
"""

import base64, datetime, hashlib, hmac, http.client, json, os, socket, struct, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
USERNAME, PASSWORD = "contract.admin", "contract-test password, long enough"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totp(secret, at=None):
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret.replace(" ", "")) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


class Api:
    def __init__(self, port):
        self.port, self.cookie = port, None

    def call(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = dict(headers or {})
        if body is not None:
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        text = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and "carepath_session=" in value:
                self.cookie = value.split(";")[0]
        if response.status >= 300:
            raise SystemExit(f"{method} {path}: {response.status} {text}")
        return json.loads(text) if text and response.getheader("Content-Type", "").startswith("application/json") else text


def main():
    server_bin, schemathesis, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    data = tempfile.mkdtemp(prefix="carepath-contract-")
    port = free_port()
    env = dict(os.environ, CAREPATH_DATA_DIR=data, CAREPATH_BIND=f"127.0.0.1:{port}", RUST_LOG="warn")
    env.setdefault("CAREPATH_STATIC_DIR", os.path.join(ROOT, "dist") if os.path.isdir(os.path.join(ROOT, "dist")) else data)
    subprocess.run([server_bin, "create-pharmacist", "--username", USERNAME, "--display-name", "Contract Admin", "--site",
                    "Contract Site", "--site-phone", "+1 555 0100", "--after-hours-phone", "+1 555 0199", "--admin",
                    "--password-stdin"], input=PASSWORD + "\n", text=True, env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    log = open(os.path.join(data, "server.log"), "w")
    server = subprocess.Popen([server_bin, "serve"], env=env, cwd=ROOT, stdout=log, stderr=log)
    try:
        api = Api(port)
        for _ in range(300):
            try:
                api.call("GET", "/api/health")
                break
            except (OSError, SystemExit):
                if server.poll() is not None:
                    raise SystemExit(f"the server stopped: see {log.name}")
                time.sleep(0.1)
        step = api.call("POST", "/api/pharmacy/login", {"username": USERNAME, "password": PASSWORD})
        assert step == {"next": "set_up_second_factor"}, step
        setup = api.call("GET", "/api/pharmacy/second-factor/setup")
        api.call("POST", "/api/pharmacy/second-factor/setup", {"code": totp(setup["secret"])})
        me = api.call("GET", "/api/pharmacy/me")  # both steps passed: the desk's routes answer
        start = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
        regimen = {"drug_name": "Capecitabine", "strength": "500 mg tablets", "pattern": {"type": "continuous"},
                   "doses": [{"slot": "daily", "amount": {"mg": 1500, "half_tablets": 6}, "time": "08:00:00", "food": "with_food"}],
                   "start": start, "first_cycle": 1, "time_zone": "UTC"}
        patient = api.call("POST", "/api/pharmacy/patients", {"display_name": "Contract Patient", "regimen": regimen,
                                                               "date_of_birth": "1961-04-09", "mrn": "C-0001"})
        device = Api(port).call("POST", "/api/enroll", {"code": patient["code"]})
        print(f"Signed in as {me['display_name']} (site admin); patient {patient['patient_id']} with one phone.", flush=True)
        command = [schemathesis, "run", f"http://127.0.0.1:{port}/api/openapi.json", "--no-color",
                   "-H", f"Cookie: {api.cookie}", "-H", f"Authorization: Bearer {device['device_token']}", *extra]
        started, code = time.monotonic(), 0
        # The operations that end the caller's own session or token (signing out, an admin ending a session or
        # resetting a second step with ids it reads from GET /sessions and /accounts, a phone removing itself) run last, on their own: earlier, they would leave every
        # later request a 401.
        ending = ["/api/pharmacy/logout", "/api/pharmacy/admin/sessions/{id}/end",
                  "/api/pharmacy/admin/accounts/{id}/reset-second-factor", "/api/device/unenroll"]
        for phase in (sum((["--exclude-path", p] for p in ending), []), sum((["--include-path", p] for p in ending), [])):
            code = subprocess.call(command + phase, cwd=ROOT) or code
        print(f"schemathesis took {time.monotonic() - started:.0f} s (exit {code})", flush=True)
        return code
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
