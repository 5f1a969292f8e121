from brief.cli.main import main

main()
