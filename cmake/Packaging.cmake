# CPack: Debian packages, one per component (doc/dev/07-PACKAGING.md).
#   cpack --config build/release/CPackConfig.cmake -G DEB   (or: scripts/dev.sh package)
#   lpm-studio      the executables, desktop file, icons, metainfo, man pages, presets
#   python3-lpm     the Python module
#   liblpmcore-dev  the core library, its headers and CMake package (find_package(LPMCore))
# Runtime dependencies come from the shared libraries the binaries link (dpkg-shlibdeps); only
# what no binary links (Python's own packages, the -dev headers) is named here.
set(CPACK_PACKAGE_NAME lpm-studio)
set(CPACK_PACKAGE_VENDOR "LPM Studio")
set(CPACK_PACKAGE_CONTACT "LPM Studio developers <lpm-studio@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_INSTALL_DIRECTORY lpm-studio)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)

set(CPACK_COMPONENTS_ALL runtime)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME lpm-studio)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION science)
set(CPACK_COMPONENT_RUNTIME_DESCRIPTION "Explore Minority Collapse in the Layer-Peeled Model
 LPM Studio solves the convex relaxation of the Layer-Peeled Model (Fang, He, Long, Su,
 PNAS 2021) with a certified solver, shows classifiers and class means in 3D beside the
 minority cosine versus the imbalance ratio, reads trained weights safely and exports figures.
 This package holds the desktop application lpm-studio and the command line tool lpm.")
# shared-mime-info and the desktop database pick up the new file types and entry themselves
# (dpkg triggers); the icon cache is refreshed by hicolor-icon-theme's trigger.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_RECOMMENDS "shared-mime-info, hicolor-icon-theme")

if(LPM_BUILD_PYTHON)
  list(APPEND CPACK_COMPONENTS_ALL python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_NAME python3-lpm)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SECTION python)
  set(CPACK_DEBIAN_PYTHON_PACKAGE_DEPENDS "python3 (>= 3.11), python3 (<< 3.12), python3-numpy")
  set(CPACK_DEBIAN_PYTHON_PACKAGE_SUGGESTS "python3-matplotlib")
  set(CPACK_COMPONENT_PYTHON_DESCRIPTION "Python module lpm: the Layer-Peeled Model's certified solver
 The lpm module of LPM Studio: solve, sweep, transition and design queries of the Layer-Peeled
 Model, and a safe reader of PyTorch, safetensors and NumPy checkpoints, with NumPy results.")
endif()

list(APPEND CPACK_COMPONENTS_ALL dev)
set(CPACK_DEBIAN_DEV_PACKAGE_NAME liblpmcore-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libeigen3-dev (>= 3.3), nlohmann-json3-dev (>= 3), libzip-dev, pkg-config")
set(CPACK_COMPONENT_DEV_DESCRIPTION "LPM Studio's core library for C++ (static), with CMake package LPMCore
 The Layer-Peeled Model engine of LPM Studio: parameters, certified solvers, sweeps, the phase
 transition, checkpoint readers and reports. find_package(LPMCore) gives LPMCore::core.")

include(CPack)
