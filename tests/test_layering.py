"""gan_core is the engine: importing all of it must not pull in Streamlit."""
import subprocess
import sys


def test_gan_core_never_imports_streamlit(root):
    code = (
        "import pkgutil, importlib, sys, gan_core\n"
        "for m in pkgutil.walk_packages(gan_core.__path__, 'gan_core.'):\n"
        "    if m.name != 'gan_core.__main__':\n"
        "        importlib.import_module(m.name)\n"
        "assert 'streamlit' not in sys.modules, 'streamlit was imported'\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
