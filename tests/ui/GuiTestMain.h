#pragma once
// The one main() of the GUI test executables: the process set-up lpm-studio uses (surface
// format, xcb, a clear message without X), isolated QSettings, then the Qt Test run.
#include <QApplication>
#include <QStandardPaths>
#include <QTest>

#include <cstdio>

#include "lpm/ui/Application.h"

#define LPM_GUI_TEST_MAIN(TestClass)                          \
  int main(int argc, char** argv) {                           \
    QString message;                                          \
    if (!lpm::ui::prepareGuiProcess(&message)) {              \
      std::fprintf(stderr, "%s\n", qPrintable(message));      \
      return 1;                                               \
    }                                                         \
    QStandardPaths::setTestModeEnabled(true);                 \
    QApplication app(argc, argv);                             \
    lpm::ui::setupApplication();                              \
    TestClass t;                                              \
    return QTest::qExec(&t, argc, argv);                      \
  }
