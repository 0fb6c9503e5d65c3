# cmake -DTEMPLATE=in -DSECTION=generated -DOUTPUT=out -P substitute_parameters.cmake
# Replaces the line "@PARAMETERS@" of TEMPLATE with the contents of SECTION.
# string(REPLACE) rather than configure_file, so no other "@word@" in the
# page (an address, say) is touched.
file(READ ${TEMPLATE} page)
file(READ ${SECTION} parameters)
string(FIND "${page}" "\n@PARAMETERS@\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${TEMPLATE}: no line @PARAMETERS@")
endif()
string(REPLACE "\n@PARAMETERS@\n" "\n${parameters}" page "${page}")
file(WRITE ${OUTPUT}.tmp "${page}")
file(RENAME ${OUTPUT}.tmp ${OUTPUT})
