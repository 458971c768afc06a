"""What a package installs, checked as a user and a packager would (doc/dev/07-PACKAGING.md).

Run by ctest (tests `packaging` and `packaging_deb`) with LPM_SOURCE_DIR and LPM_BUILD_DIR set;
by hand:  LPM_SOURCE_DIR=. LPM_BUILD_DIR=build/release /usr/bin/python3 -m pytest tests/packaging
"""
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

SRC = os.path.abspath(os.environ.get("LPM_SOURCE_DIR", "."))
BUILD = os.path.abspath(os.environ.get("LPM_BUILD_DIR", "build/release"))
WORK = os.path.join(BUILD, "Testing", "packaging")
APP_ID = "io.github.lpm_studio.LpmStudio"
GUI = os.path.exists(os.path.join(BUILD, "app", "lpm-studio"))
PYTHON = os.path.isdir(os.path.join(BUILD, "python", "lpm"))


def run(*cmd, env=None, cwd=None, check=True):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run(list(cmd), capture_output=True, text=True, env=e, cwd=cwd)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}")
    return r


@pytest.fixture(scope="module")
def root():
    """`cmake --install` into a DESTDIR, as a package build does."""
    dest = os.path.join(WORK, "root")
    shutil.rmtree(dest, ignore_errors=True)
    run("cmake", "--install", BUILD, "--prefix", "/usr", env={"DESTDIR": dest})
    return dest


def installed(root, path):
    return os.path.join(root, path.lstrip("/"))


# --- Files a desktop and a package manager read --------------------------------------------------

@pytest.mark.skipif(not GUI, reason="the GUI is not built")
def test_desktop_file_validates(root):
    path = installed(root, f"/usr/share/applications/{APP_ID}.desktop")
    r = run("desktop-file-validate", path, check=False)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout + r.stderr
    text = open(path).read()
    for mime in ("application/x-lpm-studio-session", "application/x-pytorch", "application/x-safetensors",
                 "application/x-npz", "x-scheme-handler/lpm-studio"):
        assert mime in text


@pytest.mark.skipif(not GUI, reason="the GUI is not built")
def test_metainfo_validates(root):
    path = installed(root, f"/usr/share/metainfo/{APP_ID}.metainfo.xml")
    r = run("appstreamcli", "validate", "--no-net", "--pedantic", path, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "E:" not in r.stdout and "W:" not in r.stdout, r.stdout
    comp = ET.parse(path).getroot()
    assert comp.find("id").text == APP_ID
    assert comp.find("launchable").text == f"{APP_ID}.desktop"
    version = run(os.path.join(BUILD, "app", "lpm"), "--version").stdout.split()[1]
    assert comp.find("releases/release").get("version") == version
    assert "2103091118" in ET.tostring(comp, encoding="unicode")  # the paper


def test_mime_types_are_known_to_the_database(root, tmp_path):
    """Our types join the system's: update-mime-database accepts the file and maps the globs."""
    if not shutil.which("update-mime-database"):
        pytest.skip("shared-mime-info is not installed")
    pkgs = tmp_path / "mime" / "packages"
    pkgs.mkdir(parents=True)
    shutil.copy("/usr/share/mime/packages/freedesktop.org.xml", pkgs)
    shutil.copy(installed(root, "/usr/share/mime/packages/lpm-studio.xml"), pkgs)
    run("update-mime-database", str(tmp_path / "mime"))
    globs = (tmp_path / "mime" / "globs2").read_text()
    for glob_, mime in (("*.pt", "application/x-pytorch"), ("*.pth", "application/x-pytorch"),
                        ("*.safetensors", "application/x-safetensors"), ("*.npz", "application/x-npz"),
                        ("*.npy", "application/x-npy")):
        assert re.search(rf"^\d+:{re.escape(mime)}:{re.escape(glob_)}$", globs, re.M), (glob_, mime)


@pytest.mark.skipif(not GUI, reason="the GUI is not built")
def test_icons_installed(root):
    base = installed(root, "/usr/share/icons/hicolor")
    assert os.path.exists(os.path.join(base, "scalable", "apps", "lpm-studio.svg"))
    for n in (16, 32, 48, 64, 128, 256, 512):
        png = os.path.join(base, f"{n}x{n}", "apps", "lpm-studio.png")
        with open(png, "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == n and int.from_bytes(head[20:24], "big") == n


# --- Man pages against the real --help ----------------------------------------------------------

def options_in(text):
    return set(re.findall(r"(?<![\w-])(--?[A-Za-z][A-Za-z0-9-]*)", text))


def man_text(path):
    """The installed (gzipped) page as roff source, with roff's escaped hyphens made plain."""
    with gzip.open(path, "rt") as f:
        return f.read().replace("\\-", "-")


def test_lpm_man_page_covers_help(root):
    lpm = os.path.join(BUILD, "app", "lpm")
    page = man_text(installed(root, "/usr/share/man/man1/lpm.1.gz"))
    top = run(lpm, "--help").stdout
    subs = re.findall(r"^  (\w+)\s{2,}\S", top.split("SUBCOMMANDS:")[-1] if "SUBCOMMANDS:" in top else
                      top.split("Subcommands:")[-1], re.M)
    assert {"solve", "sweep", "transition", "design", "inspect"} <= set(subs), top
    missing = []
    for sub in subs:
        if f'.SS "{sub}"' not in page:
            missing.append(f"subcommand {sub}")
        for opt in options_in(run(lpm, sub, "--help").stdout) - {"-h", "--help"}:
            if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", page):
                missing.append(f"{sub} {opt}")
    for opt in options_in(top) - {"-h", "--help"}:
        if opt not in page:
            missing.append(opt)
    assert not missing, "lpm(1) lacks: " + ", ".join(sorted(missing))


@pytest.mark.skipif(not GUI, reason="the GUI is not built")
def test_lpm_studio_man_page_covers_help(root):
    help_text = run(os.path.join(BUILD, "app", "lpm-studio"), "--help").stdout
    page = man_text(installed(root, "/usr/share/man/man1/lpm-studio.1.gz"))
    opts = {o for o in options_in(help_text.split("Options:")[1].split("Arguments:")[0])
            if not o.startswith("-platform")}
    assert {"--preset", "--set", "--screenshot", "--features"} <= opts
    missing = [o for o in sorted(opts) if not re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", page)]
    assert not missing, "lpm-studio(1) lacks: " + ", ".join(missing)


def test_man_pages_render_without_warnings(root):
    if not shutil.which("groff"):
        pytest.skip("groff is not installed")
    pages = glob.glob(installed(root, "/usr/share/man/man1/*.1.gz"))
    assert pages
    for page in pages:
        with gzip.open(page, "rb") as f:
            source = f.read()
        r = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z"], input=source, capture_output=True)
        r.stderr = r.stderr.decode()
        assert r.returncode == 0 and r.stderr.strip() == "", (page, r.stderr)


# --- The installed programs run from the prefix -------------------------------------------------

def test_installed_lpm_runs(root):
    lpm = installed(root, "/usr/bin/lpm")
    version = run(lpm, "--version").stdout.strip()
    assert version == run(os.path.join(BUILD, "app", "lpm"), "--version").stdout.strip()
    out = json.loads(run(lpm, "solve", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", "5", "--R", "100", "--json",
                         cwd="/").stdout)
    assert out["certified"] and out["minority_state"] == "collapsed"
    # Nothing points back into the build tree.
    dyn = run("readelf", "-d", lpm).stdout
    assert BUILD not in dyn and SRC not in dyn


@pytest.mark.skipif(not GUI, reason="the GUI is not built")
def test_installed_lpm_studio_runs(root):
    studio = installed(root, "/usr/bin/lpm-studio")
    assert run(studio, "--version").stdout.strip().startswith("lpm-studio ")
    assert "--screenshot" in run(studio, "--help").stdout
    assert BUILD not in run("readelf", "-d", studio).stdout


@pytest.mark.skipif(not PYTHON, reason="the Python module is not built")
def test_installed_python_module_equals_cli(root):
    site = installed(root, "/usr/lib/python3/dist-packages")
    code = "import lpm; print(repr(lpm.solve(KA=5, KB=5, EW=1, EH=5, R=100).minority_cos)); print(lpm.__file__)"
    r = run("/usr/bin/python3", "-c", code, env={"PYTHONPATH": site}, cwd="/")
    value, where = r.stdout.split()
    assert where.startswith(site)
    cli = json.loads(run(installed(root, "/usr/bin/lpm"), "solve", "--KA", "5", "--KB", "5", "--EW", "1", "--EH", "5",
                         "--R", "100", "--json").stdout)
    assert float(value) == cli["minority_cos"]


def test_find_package_lpmcore(root):
    """Other C++ code builds against the installed library with find_package(LPMCore)."""
    build = os.path.join(WORK, "consumer")
    shutil.rmtree(build, ignore_errors=True)
    run("cmake", "-S", os.path.join(SRC, "tests", "packaging", "consumer"), "-B", build, "-G", "Ninja",
        "-DCMAKE_BUILD_TYPE=Release", f"-DCMAKE_PREFIX_PATH={installed(root, '/usr')}")
    run("cmake", "--build", build)
    out = run(os.path.join(build, "consumer")).stdout
    assert re.match(r"lpm \S+ minority_cos 1\.0 state collapsed", out), out


# --- The Debian packages ------------------------------------------------------------------------

@pytest.mark.deb
def test_debian_packages():
    """cpack -G DEB: three packages, dependencies from the shared libraries, files where Debian wants them."""
    out = os.path.join(WORK, "deb")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    run("cpack", "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"), "-B", out)
    debs = {os.path.basename(p).split("_")[0]: p for p in glob.glob(os.path.join(out, "*.deb"))}
    assert {"lpm-studio", "liblpmcore-dev"} <= set(debs), debs

    def field(deb, name):
        return run("dpkg-deb", "-f", deb, name).stdout.strip()

    def files(deb):
        return run("dpkg-deb", "-c", deb).stdout

    app = debs["lpm-studio"]
    depends = field(app, "Depends")
    # From dpkg-shlibdeps: the libraries lpm-studio links, with versions.
    for lib in ("libc6 (>=", "libstdc++6", "libqt6widgets6", "libzip4"):
        assert lib in depends, depends
    assert re.search(r"libvtk9\.1", depends), depends
    listing = files(app)
    for path in ("./usr/bin/lpm", "./usr/bin/lpm-studio", f"./usr/share/applications/{APP_ID}.desktop",
                 "./usr/share/man/man1/lpm.1.gz", "./usr/share/icons/hicolor/48x48/apps/lpm-studio.png"):
        assert path in listing, path
    assert "/usr/local" not in listing and "./usr/lib/liblpmcore.a" not in listing
    dev = files(debs["liblpmcore-dev"])
    assert "./usr/lib/cmake/LPMCore/LPMCoreConfig.cmake" in dev and "./usr/include/lpm/Solver.h" in dev
    if PYTHON:
        py = debs["python3-lpm"]
        assert "python3-numpy" in field(py, "Depends")
        assert "./usr/lib/python3/dist-packages/lpm/__init__.py" in files(py)
