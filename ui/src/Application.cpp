#include "lpm/ui/Application.h"

#include <QApplication>
#include <QIcon>

#include "lpm/Version.h"
#include "lpm/ui/VtkOpenGLWidget.h"

// Q_INIT_RESOURCE must name the resource at global scope (the resources live in a static library).
static void initLpmResources() { Q_INIT_RESOURCE(lpm); }

namespace lpm::ui {

bool prepareGuiProcess(QString* message) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "xcb");
  const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
  if (platform.startsWith("xcb") && qEnvironmentVariableIsEmpty("DISPLAY")) {
    if (message)
      *message = QStringLiteral(
          "no X display: DISPLAY is not set. LPM Studio draws with OpenGL through X11; run it on a desktop, "
          "or headless under Xvfb: xvfb-run -a -s \"-screen 0 1280x1024x24\" <command>");
    return false;
  }
  VtkOpenGLWidget::setDefaultSurfaceFormat();
  return true;
}

void setupApplication() {
  initLpmResources();
  QApplication::setOrganizationName("LPM Studio");
  QApplication::setOrganizationDomain("lpm-studio.org");
  QApplication::setApplicationName("lpm-studio");
  QApplication::setApplicationVersion(LPM_VERSION_STRING);
  QApplication::setWindowIcon(QIcon(":/lpm/icons/lpm-studio.svg"));
}

}  // namespace lpm::ui
