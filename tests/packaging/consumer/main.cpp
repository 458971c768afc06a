// Solves the two-size model with the installed library and prints what `lpm solve` reports.
#include <iostream>

#include "lpm/Commands.h"
#include "lpm/Version.h"

int main() {
  lpm::ParamInput in;
  in.given = {{"KA", "5"}, {"KB", "5"}, {"EW", "1"}, {"EH", "5"}, {"R", "100"}};
  in.offered = lpm::parameterNamesExcept({});
  lpm::SolveRequest r;
  r.params = lpm::paramsFromInput(in);
  const auto out = lpm::runSolve(r);
  std::cout << "lpm " << LPM_VERSION_STRING << " minority_cos " << out.json["minority_cos"].dump() << " state "
            << out.json["minority_state"].get<std::string>() << "\n";
  return out.solution.certified ? 0 : 1;
}
