"""`python -m crowdledger.cli`"""

import sys

from crowdledger.cli import main

sys.exit(main())
