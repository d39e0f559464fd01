"""Runs the web tests (node --test tests/web/: the landing page in Chromium, the
DCAT-AP export through a JSON-LD processor) against a real demo node, created with
`yiwang demo` (青岚省 and its data resource catalog) and started by the API
harness. ctest calls this; `make test` installs the npm packages and Chromium
first."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args, _ = harness.parse_args()
    harness.BINARY = os.path.abspath(args.binary)
    for package in ("playwright-core", "jsonld"):
        if not os.path.isdir(os.path.join(HERE, "node_modules", package)):
            print("tests/web: npm packages missing: run `make web-deps` (make test does)")
            return 1
    # The demo names the node itself; the tests read its name from /v1/node.
    node = harness.Node(init=False)
    try:
        demo_args = ["demo", "--dir", node.dir]
        if node.db.url:
            demo_args += ["--db", node.db.url]
        r = harness.run_cli(*demo_args)  # prints the demo passwords: keep them out of the log
        if r.returncode != 0:
            print("tests/web: yiwang demo failed (%d): %s" % (r.returncode, r.stderr))
            return 1
        node.start()
        env = dict(os.environ, YW_BASE_URL="http://%s/" % node.addr)
        env.setdefault("YW_ARTIFACTS_DIR", os.path.join(node.workdir, "screenshots"))
        rc = subprocess.run(["node", "--test", HERE], env=env, cwd=HERE).returncode
        if node.stop() != 0:
            rc = rc or 1
        return rc
    finally:
        node.close()


if __name__ == "__main__":
    sys.exit(main())
