#!/bin/bash
# gate_pam_socket.sh: gate_pam.sh's whole matrix again with the module's
# no_table argument, so the query-socket path (the one every login takes
# when the gate table cannot be used) keeps its own coverage.
export GATE_PAM_EXTRA=no_table
exec bash "$(dirname "$0")/gate_pam.sh"
