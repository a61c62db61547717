// reel, the command-line client of reeld.
#include "cli/app.hpp"

#include <iostream>

int main(int argc, char** argv) {
  return reel::cli::run_app(argc, argv, reel::cli::process_env(), std::cout, std::cerr);
}
