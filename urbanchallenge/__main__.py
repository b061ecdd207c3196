from urbanchallenge.cli import main

main()
