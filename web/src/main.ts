import { mount } from 'svelte'
import Root from './features/auth/Root.svelte'
import { registerUiFont } from './lib/map/fonts.ts'
import './app.css'

registerUiFont()
mount(Root, { target: document.getElementById('app')! })
