// Starts GOV.UK Frontend's components. Load with:
//   <script type="module" src="/assets/javascripts/application.js"></script>
// Being a file served from 'self', it needs no CSP nonce or hash.
import { initAll } from './govuk-frontend.min.js'

initAll()
