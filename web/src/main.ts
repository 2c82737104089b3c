import { mount } from 'svelte'
import Root from './features/auth/Root.svelte'
import WallRoot from './features/wall/WallRoot.svelte'
import { registerUiFont } from './lib/map/fonts.ts'
import './app.css'
import './lib/styles/panels.css'

// /wall (and ?view=wall on any link, e.g. /?wall=TOKEN&view=wall) is the command center's wall: its own root
const { pathname, search } = window.location
const wall = pathname === '/wall' || new URLSearchParams(search).get('view') === 'wall'

registerUiFont()
mount(wall ? WallRoot : Root, { target: document.getElementById('app')! })
