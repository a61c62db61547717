# bench_render_promo (bench/README.md): Reel's renderer against a hand-written ffmpeg command.
# Included from tests/engine/CMakeLists.txt (it needs reel_engine); guarded so that bench/ may
# include it too.
if(NOT TARGET bench_render_promo)
  add_executable(bench_render_promo ${PROJECT_SOURCE_DIR}/bench/render_promo.cpp
                                    ${PROJECT_SOURCE_DIR}/bench/render_promo_scene.cpp
                                    ${PROJECT_SOURCE_DIR}/bench/machine.cpp)
  target_include_directories(bench_render_promo PRIVATE ${PROJECT_SOURCE_DIR}/tests
                                                        ${PROJECT_SOURCE_DIR}/bench)
  target_link_libraries(bench_render_promo PRIVATE reel_engine CLI11::CLI11)
  reel_strict(bench_render_promo)
  set_target_properties(bench_render_promo PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${PROJECT_BINARY_DIR}/bench)
  # CI smoke run: the whole path (inputs, probe, plan, render, reference, table) on 2 s of video.
  add_test(NAME bench_render_promo_quick COMMAND bench_render_promo --quick)
  set_tests_properties(bench_render_promo_quick PROPERTIES LABELS bench TIMEOUT 90)
endif()
