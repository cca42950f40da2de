"""What the browser loads and how it gets in: the participant and console shells, their content-hashed
files, the organisers' sign-in page, a participant's session for their invite code, the participant
page's first screen in one answer (bootstrap) and the same-origin forwarding of the web client's calls
to resolution_svc and the notifier.

The top of the tree: may call every package; no package calls it (the files under web/ are served
from here, not edited here)."""
