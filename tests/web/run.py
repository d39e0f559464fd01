"""Runs the browser tests (node --test tests/web/) against a real node started
by the API harness. ctest calls this; `make test` installs the npm packages and
Chromium first."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))
import harness  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    args, _ = harness.parse_args()
    harness.BINARY = os.path.abspath(args.binary)
    if not os.path.isdir(os.path.join(HERE, "node_modules", "playwright-core")):
        print("tests/web: npm packages missing: run `make web-deps` (make test does)")
        return 1
    node = harness.Node(name="青岚市政务数据共享节点", origin="yiwang.test/web").start()
    try:
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
