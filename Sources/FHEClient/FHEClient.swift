// FHEClient: placeholder until its issue lands.
import FHECore
