import sys

try:
    from optimizer.cli.main import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load
    print("Interrupted before a timetable was found; nothing was written.", file=sys.stderr)
    sys.exit(3)

sys.exit(main())
