# cmake -DLPM=lpm -DTEMPLATE=lpm.1.in -DOUT=lpm.1 -DVERSION=.. -DDATE=.. -DDATADIR=.. -P MakeManPage.cmake
execute_process(COMMAND ${LPM} --roff-commands OUTPUT_VARIABLE LPM_ROFF_COMMANDS RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lpm --roff-commands failed (${rc})")
endif()
set(PROJECT_VERSION ${VERSION})
set(LPM_MAN_DATE ${DATE})
set(LPM_MAN_DATADIR ${DATADIR})
configure_file(${TEMPLATE} ${OUT} @ONLY)
