"""pytest set-up for everything under the repository: tests/, chapters/ and solutions/."""

pytest_plugins = ["tests.support.nbval_kernel", "tests.support.executed"]
