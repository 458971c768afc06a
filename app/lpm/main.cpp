// `lpm`: the headless command line of LPM Studio. One file per subcommand (Cli.h); here only
// the dispatch and the one mapping of errors to exit codes.
#include <cstring>
#include <iostream>

#include "Cli.h"
#include "lpm/Version.h"

int main(int argc, char** argv) {
  using namespace lpm::cli;
  CLI::App app{"lpm: the Layer-Peeled Model from the command line (LPM Studio " LPM_VERSION_STRING ")"};
  app.set_version_flag("--version", std::string("lpm ") + LPM_VERSION_STRING);
  app.require_subcommand(1);
  // One line on stderr, as for every other refusal.
  app.failure_message([](const CLI::App*, const CLI::Error& e) { return "lpm: " + std::string(e.what()) + " (see --help)\n"; });
  std::vector<Command> commands = {addSolve(app), addSweep(app), addTransition(app), addDesign(app), addPhase(app), addInspect(app)};
#ifdef LPM_HAVE_RENDER
  for (auto& c : addFigureCommands(app)) commands.push_back(c);
#endif
  // The build writes the man page's COMMANDS section from these very options (resources/man/).
  if (argc == 2 && !std::strcmp(argv[1], "--roff-commands")) {
    writeRoffCommands(std::cout, app);
    return 0;
  }
  // A first word that is no command: named, with the commands there are (CLI11 would say "A
  // subcommand is required").
  if (argc >= 2 && argv[1][0] != '-') {
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->get_name() == argv[1];
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      std::cerr << "lpm: unknown command '" << argv[1] << "'; the commands are " << names << " (see --help)\n";
      return kBadInput;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kBadInput;
  }
  try {
    for (const auto& c : commands)
      if (c.sub->parsed()) return c.run();
  } catch (const lpm::Error& e) {  // the one mapping: invalid input 2, refused file or I/O 1
    std::cerr << "lpm: " << e.what() << "\n";
    return lpm::exitCode(e.kind());
  } catch (const std::exception& e) {
    std::cerr << "lpm: " << lpm::describeUnexpected(e) << "\n";
    return 1;
  }
  return 0;
}
