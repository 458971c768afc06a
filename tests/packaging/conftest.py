def pytest_configure(config):
    config.addinivalue_line("markers", "deb: builds the Debian packages with cpack (ctest's packaging_deb)")
