// Start the NHS.UK frontend components. Everything works without this script:
// it only adds progressive enhancement (e.g. the error summary takes focus).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'
initAll()
