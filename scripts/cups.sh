# Sourced by test.sh: a running cupsd on 127.0.0.1:631 with a CUPS-PDF queue named
# PIAOJIA-PDF, whose jobs land as PDF files (in /root/PDF or the cups-pdf spool).
start_cups() {
    if ! lpstat -r >/dev/null 2>&1; then
        mkdir -p /run/cups
        setsid /usr/sbin/cupsd -f >/tmp/piaojia-cupsd.log 2>&1 &
        for _ in $(seq 50); do lpstat -r >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    if ! lpstat -p PIAOJIA-PDF >/dev/null 2>&1; then
        lpadmin -p PIAOJIA-PDF -v cups-pdf:/ -E -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
    fi
    cupsenable PIAOJIA-PDF
    cupsaccept PIAOJIA-PDF
    export PIAOJIA_TEST_PRINTER=PIAOJIA-PDF
}
start_cups
