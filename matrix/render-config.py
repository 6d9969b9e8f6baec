#!/usr/bin/env python3
"""Entrypoint of the synapse service: render wrrk's config templates, then start Synapse.

Synapse does not expand environment variables in its configuration files, and the
application-service registration must carry the same tokens as the orchestrator's .env. So
this script, run as root by the official image before its own /start.py:

1. replaces every ${NAME} in homeserver.yaml, appservice-wrrk.yaml and log.config
   (WRRK_TEMPLATE_DIR) with the environment value and writes them to SYNAPSE_CONFIG_DIR,
   readable by Synapse's user only; a missing variable or a value that would break the
   quoted YAML string stops the container with a message naming it;
2. gives /data and its subfolders to Synapse's user and creates the signing key on the
   first start (Synapse's own --generate-keys);
3. hands over to /start.py, which drops privileges and runs the homeserver.

`render-config.py --render-only OUT_DIR` does step 1 only, into OUT_DIR (used by the tests).
Standard library only: it runs on the image's Python.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

TEMPLATES = ("homeserver.yaml", "appservice-wrrk.yaml", "log.config")
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Values land inside double-quoted YAML scalars: these characters would end or escape them.
UNSAFE_VALUE = re.compile(r'["\\\r\n]')


class RenderError(Exception):
    pass


def render(text: str, env: "os._Environ[str] | dict[str, str]", source: str) -> str:
    missing: list[str] = []
    unsafe: list[str] = []

    def substitute(match: "re.Match[str]") -> str:
        name = match.group(1)
        value = env.get(name, "")
        if value == "":
            missing.append(name)
        elif UNSAFE_VALUE.search(value):
            unsafe.append(name)
        return value

    rendered = PLACEHOLDER.sub(substitute, text)
    problems = []
    if missing:
        problems.append("not set: " + ", ".join(sorted(set(missing))))
    if unsafe:
        problems.append("contain a quote, backslash or line break: " + ", ".join(sorted(set(unsafe))))
    if problems:
        raise RenderError(f"{source}: environment variables {'; '.join(problems)}")
    return rendered


def render_all(template_dir: Path, out_dir: Path, env) -> list[Path]:
    # Render everything first: one run names every problem, and nothing is half-written.
    rendered: dict[str, str] = {}
    problems: list[str] = []
    for name in TEMPLATES:
        source = template_dir / name
        if not source.is_file():
            problems.append(f"template {source} is missing (check the volumes of the synapse service)")
            continue
        try:
            rendered[name] = render(source.read_text(encoding="utf-8"), env, str(source))
        except RenderError as error:
            problems.append(str(error))
    if problems:
        raise RenderError("\n  ".join(problems))

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered.items():
        target = out_dir / name
        tmp = out_dir / f".{name}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.chmod(tmp, 0o600)  # secrets inside
        os.replace(tmp, target)
        written.append(target)
    return written


def owner_ids(env) -> tuple[int, int]:
    # The image runs Synapse as 991:991 unless UID/GID say otherwise (see its start.py).
    return int(env.get("UID", "991")), int(env.get("GID", "991"))


def main(argv: list[str]) -> int:
    env = os.environ
    if len(argv) >= 2 and argv[1] == "--render-only":
        if len(argv) != 3:
            print("usage: render-config.py --render-only OUT_DIR", file=sys.stderr)
            return 2
        template_dir = Path(env.get("WRRK_TEMPLATE_DIR", Path(__file__).resolve().parent))
        try:
            for path in render_all(template_dir, Path(argv[2]), env):
                print(f"rendered {path}")
        except RenderError as error:
            print(f"render-config: {error}", file=sys.stderr)
            return 1
        return 0

    template_dir = Path(env.get("WRRK_TEMPLATE_DIR", "/wrrk/templates"))
    config_dir = Path(env.get("SYNAPSE_CONFIG_DIR", "/data/config"))
    config_path = Path(env.get("SYNAPSE_CONFIG_PATH", str(config_dir / "homeserver.yaml")))
    try:
        written = render_all(template_dir, config_dir, env)
    except RenderError as error:
        print(f"render-config: {error}", file=sys.stderr)
        return 1

    uid, gid = owner_ids(env)
    data_dir = Path(env.get("SYNAPSE_DATA_DIR", "/data"))
    for folder in (data_dir, config_dir, data_dir / "keys", data_dir / "media_store"):
        folder.mkdir(parents=True, exist_ok=True)
        os.chown(folder, uid, gid)
    for path in written:
        os.chown(path, uid, gid)
    print(f"render-config: wrote {', '.join(str(p) for p in written)}", flush=True)

    # First start: create the signing key (signing_key_path) as Synapse's user, then exit.
    subprocess.run(
        ["gosu", f"{uid}:{gid}", sys.executable, "-m", "synapse.app.homeserver",
         "--config-path", str(config_path), "--generate-keys"],
        check=True,
    )

    os.execv("/start.py", ["/start.py", *argv[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv))
