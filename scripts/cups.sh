# Sourced by test.sh: a running cupsd on 127.0.0.1:631 with a CUPS-PDF queue named
# PIAOJIA-PDF, whose jobs land as PDF files (in /root/PDF or the cups-pdf spool).
cups_running() {
    # `lpstat -r` exits 0 whether or not the scheduler runs; only its words tell.
    lpstat -r 2>/dev/null | grep -q 'scheduler is running'
}
start_cups() {
    if ! cups_running; then
        mkdir -p /run/cups
        setsid /usr/sbin/cupsd -f >/tmp/piaojia-cupsd.log 2>&1 &
        for _ in $(seq 300); do cups_running && break; sleep 0.1; done
        if ! cups_running; then
            echo "cupsd did not start; its log:" >&2
            cat /tmp/piaojia-cupsd.log >&2
            return 1
        fi
    fi
    # As a kiosk's print server must be set up (README): no copy of a printed
    # document stays in /var/spool/cups once the job is done.
    cupsctl PreserveJobFiles=No
    if ! lpstat -p PIAOJIA-PDF >/dev/null 2>&1; then
        lpadmin -p PIAOJIA-PDF -v cups-pdf:/ -E -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
    fi
    cupsenable PIAOJIA-PDF
    cupsaccept PIAOJIA-PDF
    export PIAOJIA_TEST_PRINTER=PIAOJIA-PDF
}
start_cups || exit 1
