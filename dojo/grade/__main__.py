from dojo.grade import main

raise SystemExit(main())
