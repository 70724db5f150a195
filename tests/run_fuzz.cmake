# Builds the libFuzzer targets under fuzz/ with Clang (ASan + UBSan) and runs each one briefly
# from its seed corpus. cmake -DSOURCE=<fuzz dir> -DBUILD=<dir> -DCXX=<clang++>
#   -DGENERATOR=<generator> -DSECONDS=<per target> -P run_fuzz.cmake
foreach(var SOURCE BUILD CXX GENERATOR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzz.cmake: -D${var}=... is required")
  endif()
endforeach()

execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE} -B ${BUILD} -G ${GENERATOR}
                        -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo
                COMMAND_ERROR_IS_FATAL ANY)
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD} COMMAND_ERROR_IS_FATAL ANY)

foreach(target revision target)
  # The corpus grows in the build tree; the seeds in the source tree stay as committed.
  set(corpus ${BUILD}/corpus-${target})
  file(MAKE_DIRECTORY ${corpus})
  file(GLOB seeds ${SOURCE}/corpus/${target}/*)
  file(COPY ${seeds} DESTINATION ${corpus})
  message(STATUS "fuzz_${target}: ${SECONDS} s")
  execute_process(COMMAND ${BUILD}/fuzz_${target} -max_total_time=${SECONDS} -seed=1
                          -print_final_stats=1 ${corpus}
                  WORKING_DIRECTORY ${BUILD}
                  RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "fuzz_${target} found a problem (exit ${result}); the input is in ${BUILD}")
  endif()
endforeach()
