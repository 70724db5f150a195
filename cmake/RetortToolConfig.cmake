# The retort executable alone, as Retort::retort: what a cross build loads from the build
# machine's package (RETORT_HOST_PREFIX, cmake/RetortHostTool.cmake), whose runtime it must not.
include("${CMAKE_CURRENT_LIST_DIR}/RetortToolTargets.cmake")
