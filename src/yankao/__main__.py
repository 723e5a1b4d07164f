from yankao.cli import main

main()
