import { mount } from 'svelte'
import Root from './features/auth/Root.svelte'
import './app.css'

mount(Root, { target: document.getElementById('app')! })
