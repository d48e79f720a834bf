// Start the NHS.UK frontend components. Everything works without this script:
// it only adds progressive enhancement (e.g. the error summary takes focus).
import { initAll } from '../nhsuk/nhsuk-frontend.min.js'
initAll()

// "Copy link" buttons (collab/wave.jinja): hidden without JavaScript, where the link
// is plain text to select. The clipboard API needs a secure context (HTTPS or
// localhost); elsewhere the link is selected and copied the old way, or left selected.
async function copyText (source) {
  const text = source.textContent.trim()
  try {
    await navigator.clipboard.writeText(text)
    return true
  } catch {
    const range = document.createRange()
    range.selectNodeContents(source)
    const selection = window.getSelection()
    selection.removeAllRanges()
    selection.addRange(range)
    try {
      return document.execCommand('copy')
    } catch {
      return false
    }
  }
}

for (const button of document.querySelectorAll('button[data-copy-target]')) {
  const source = document.getElementById(button.dataset.copyTarget)
  const status = document.getElementById(button.dataset.copyStatus)
  if (!source || !status) continue
  button.hidden = false
  button.addEventListener('click', async () => {
    const copied = await copyText(source)
    status.textContent = copied ? 'Link copied' : 'The link is selected: copy it with your keyboard or menu'
  })
}

// "Being prepared" pages (results/pack_status.jinja): the page works without this,
// with its "Check again" link. With it, the page asks the server itself, politely:
// a HEAD request after 5 s, then less and less often (up to once a minute, for at most
// half an hour), and never reloads or moves focus (a page changing under a screen
// reader user fails WCAG 2.2.1). The server answers 202 while the work goes on; when
// the answer changes, the status message (role="status", read out politely) says so
// and the "Check again" link becomes the main button (its name stays the same).
const waiting = document.querySelector('[data-prepared-poll]')
if (waiting) {
  const url = waiting.dataset.preparedPoll
  const status = document.getElementById(waiting.dataset.preparedStatus)
  const next = document.getElementById(waiting.dataset.preparedNext)
  const started = Date.now()
  let delay = 5000
  const check = async () => {
    let answer = 202
    try {
      const r = await fetch(url, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store', redirect: 'manual' })
      answer = r.status
    } catch {
      answer = 202 // the network blinked: ask again later
    }
    if (answer === 202) {
      delay = Math.min(delay * 1.5, 60000)
      if (Date.now() - started < 30 * 60000) setTimeout(check, delay)
      return
    }
    if (!status || !next) return
    if (answer === 200) {
      status.textContent = 'It is ready: select “Check again” to see it.'
      next.classList.remove('nhsuk-button--secondary')
    } else {
      status.textContent = 'Something has changed. Select “Check again” to see what.'
    }
  }
  setTimeout(check, delay)
}
