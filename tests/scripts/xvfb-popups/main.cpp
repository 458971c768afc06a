// Which Qt windows draw their popups under Xvfb (doc/dev/02-ARCHITECTURE.md, "Native surfaces").
// Not built by the project: cmake -S tests/scripts/xvfb-popups -B /tmp/popups && cmake --build /tmp/popups
//   Xvfb :78 -screen 0 1000x700x24 &
//   MODE=plain|container [KEEPER=1] DISPLAY=:78 /tmp/popups/popups &
//   DISPLAY=:78 xdotool mousemove 20 8 click 1; DISPLAY=:78 xwd -root -silent | convert xwd:- shot.png
// Seen with Debian 12's Qt 6.4 and Xvfb: the File menu is a black rectangle in both modes, with or
// without a GL child window; with KEEPER (a 1-px QOpenGLWidget in the window, which makes Qt
// compose the top level with GL) it draws.
#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenuBar>
#include <QOpenGLFunctions>
#include <QOpenGLWidget>
#include <QOpenGLWindow>

namespace {
class Blue : public QOpenGLWindow, protected QOpenGLFunctions {
protected:
  void initializeGL() override { initializeOpenGLFunctions(); }
  void paintGL() override {
    glClearColor(0.2f, 0.4f, 0.8f, 1);
    glClear(GL_COLOR_BUFFER_BIT);
  }
};
}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QMainWindow w;
  QMenu* menu = w.menuBar()->addMenu("File");
  for (const char* a : {"Open", "Save", "Quit"}) menu->addAction(a);
  auto* central = new QWidget;
  auto* layout = new QHBoxLayout(central);
  QWidget* view = qEnvironmentVariable("MODE") == "container" ? QWidget::createWindowContainer(new Blue) : new QLabel("plain");
  view->setMinimumSize(400, 300);
  layout->addWidget(view);
  auto* combo = new QComboBox;
  combo->addItems({"one", "two", "three"});
  layout->addWidget(combo);
  if (qEnvironmentVariableIsSet("KEEPER")) {
    auto* keeper = new QOpenGLWidget;
    keeper->setFixedSize(1, 1);
    layout->addWidget(keeper);
  }
  w.setCentralWidget(central);
  w.resize(800, 500);
  w.show();
  return app.exec();
}
