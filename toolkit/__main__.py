from toolkit.cli.start import main

main()
