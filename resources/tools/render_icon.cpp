// Build tool: the application icon (SVG) as PNGs of the hicolor theme's sizes.
//   lpm-render-icon ICON.svg OUTDIR 16 32 48 ...  ->  OUTDIR/NxN/apps/lpm-studio.png
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>
#include <cstdio>

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");  // no display needed at build time
  QGuiApplication app(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: lpm-render-icon ICON.svg OUTDIR SIZE...\n");
    return 2;
  }
  QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
  if (!svg.isValid()) {
    std::fprintf(stderr, "lpm-render-icon: cannot read %s\n", argv[1]);
    return 1;
  }
  for (int i = 3; i < argc; ++i) {
    const int n = QString(argv[i]).toInt();
    if (n < 8 || n > 1024) {
      std::fprintf(stderr, "lpm-render-icon: bad size %s\n", argv[i]);
      return 2;
    }
    QImage image(n, n, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter, QRectF(0, 0, n, n));
    painter.end();
    const QString dir = QString("%1/%2x%2/apps").arg(QString::fromLocal8Bit(argv[2])).arg(n);
    QDir().mkpath(dir);
    if (!image.save(dir + "/lpm-studio.png")) {
      std::fprintf(stderr, "lpm-render-icon: cannot write %s\n", qPrintable(dir));
      return 1;
    }
  }
  return 0;
}
