from ponte.cli import main

main()
